"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isActivePath } from "@/components/layout/portal-nav";
import { cx } from "@/components/ui/cx";

/** The application's sections as tabs under its header, so the content keeps the page's width. */
export function ApplicationNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/apps/${slug}`;
  const items = [
    { href: base, label: "Overview", exact: true },
    { href: `${base}/registries`, label: "Image Registries", exact: false },
    { href: `${base}/customers`, label: "Customers", exact: false },
    { href: `${base}/channels`, label: "Channels", exact: false },
    { href: `${base}/pull-activity`, label: "Pull activity", exact: false },
    { href: `${base}/settings`, label: "Settings", exact: false },
  ];
  return (
    <nav aria-label="Application" className="-mx-4 overflow-x-auto border-b border-zinc-200 px-4 sm:mx-0 sm:px-0 dark:border-zinc-800">
      <ul className="flex gap-1">
        {items.map((item) => {
          const active = isActivePath(pathname, item.href, item.exact);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                  active
                    ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                    : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
