import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { EntitledImage } from "@/lib/customer-portal/service";

/** The license's images with their newest tags and digests, each with its pull command. */
export function CustomerImagesTable({ host, images }: { host: string; images: EntitledImage[] }) {
  if (images.length === 0) {
    return <EmptyState className="border-0" title="No images to show yet" description="Your vendor has not pulled or named an image for your license yet. Ask them for the image names." />;
  }
  return (
    <Table label="Images you may pull">
      <THead>
        <tr>
          <Th>Image</Th>
          <Th>Tag</Th>
          <Th>Digest</Th>
          <Th>
            <span className="sr-only">Pull command</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {images.flatMap((image) => {
          if (image.problem || image.tags.length === 0) {
            return [
              <tr key={image.name}>
                <Td className="font-mono text-xs break-all">{`${host}/${image.name}`}</Td>
                <Td colSpan={3} className="text-zinc-600 dark:text-zinc-400">
                  {image.problem ?? "No tag your license allows yet."}
                </Td>
              </tr>,
            ];
          }
          return image.tags.map((tag, index) => (
            <tr key={`${image.name}:${tag.tag}`} data-testid="customer-image-tag">
              <Td className="font-mono text-xs break-all">{index === 0 ? `${host}/${image.name}` : ""}</Td>
              <Td className="font-mono text-xs">{tag.tag}</Td>
              <Td className="font-mono text-xs" title={tag.digest ?? undefined}>
                {tag.digest ? `${tag.digest.slice(0, 19)}…` : "—"}
              </Td>
              <Td>
                <CopyButton value={`docker pull ${host}/${image.name}${tag.digest ? `@${tag.digest}` : `:${tag.tag}`}`} label={`Copy pull command for ${image.name}:${tag.tag}`} copiedMessage="Copied the pull command" />
              </Td>
            </tr>
          ));
        })}
      </TBody>
    </Table>
  );
}
