import { ProxyReferenceConverter } from "@/components/proxy/proxy-reference-converter";
import { CopyButton } from "@/components/ui/copy-button";

export interface CustomerImagesProps {
  proxyHost: string;
  appSlug: string;
  /** Hostnames of the registries this application can use. */
  servingHosts: string[];
  /** Proxy repository names (proxy/<app>/<host>/<repo>) pulled recently. */
  repositories: string[];
}

/** How image names are rewritten, the images pulled recently, and a converter for any other. */
export function CustomerImages({ proxyHost, appSlug, servingHosts, repositories }: CustomerImagesProps) {
  return (
    <div className="space-y-5">
      {servingHosts.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          This application has no registry yet: add one under Image Registries (or give an existing one access to this application) before customers can pull.
        </p>
      ) : (
        <ul className="space-y-2">
          {servingHosts.map((hostname) => (
            <li key={hostname} className="rounded-md bg-zinc-50 px-3 py-2 font-mono text-xs break-all dark:bg-zinc-800/60">
              <p className="text-zinc-500 dark:text-zinc-400">{hostname}/&lt;repository&gt;:&lt;tag&gt;</p>
              <p>
                <span aria-label="becomes">→ </span>
                {proxyHost}/proxy/{appSlug}/{hostname}/&lt;repository&gt;:&lt;tag&gt;
              </p>
            </li>
          ))}
        </ul>
      )}
      {repositories.length > 0 && (
        <section aria-label="Images pulled recently" className="space-y-2">
          <h3 className="text-sm font-semibold">Images pulled recently</h3>
          <ul className="space-y-2">
            {repositories.map((name) => (
              <li key={name} className="flex flex-wrap items-center gap-2">
                <code className="rounded-md bg-zinc-100 px-2 py-1 font-mono text-xs break-all dark:bg-zinc-800">
                  {proxyHost}/{name}
                </code>
                <CopyButton value={`${proxyHost}/${name}`} label={`Copy ${name}`} copiedMessage="Copied the image name" />
              </li>
            ))}
          </ul>
        </section>
      )}
      <ProxyReferenceConverter proxyHost={proxyHost} appSlug={appSlug} allowedHostnames={servingHosts} />
    </div>
  );
}
