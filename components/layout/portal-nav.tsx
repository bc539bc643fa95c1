"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useId, useState } from "react";
import { cx } from "@/components/ui/cx";

export interface NavItem {
  href: string;
  label: string;
}

/** True when `pathname` is `href` or below it. */
export function isActivePath(pathname: string, href: string, exact = false) {
  return pathname === href || (!exact && pathname.startsWith(`${href}/`));
}

/**
 * The portal's main navigation: a sidebar from the md breakpoint up, and a
 * "Menu" disclosure above the content on narrow screens.
 */
export function PortalNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const current = items.find((item) => isActivePath(pathname, item.href));

  return (
    <nav aria-label="Portal" className="md:sticky md:top-14">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full items-center justify-between gap-2 px-4 py-3 text-sm font-medium md:hidden"
      >
        <span className="flex items-center gap-2">
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M3 5h14M3 10h14M3 15h14" strokeLinecap="round" />
          </svg>
          Menu
        </span>
        {current && <span className="truncate text-zinc-500 dark:text-zinc-400">{current.label}</span>}
      </button>
      <ul id={listId} className={cx("space-y-1 px-2 pb-3 md:block md:p-3", open ? "block" : "hidden")}>
        {items.map((item) => {
          const active = isActivePath(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                onClick={() => setOpen(false)}
                className={cx(
                  "block rounded-md px-3 py-2 text-sm font-medium",
                  active
                    ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                    : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
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
