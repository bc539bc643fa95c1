"use client";
// WAI-ARIA tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): a tablist of
// buttons with a roving tabindex (arrows, Home, End move and select), each
// controlling a tabpanel. The selected tab is in the URL (?tab=<id>) so it can
// be linked and survives a reload; the server renders the same tab first.
// Panels stay mounted while hidden, so a half-filled form keeps its values,
// and a link to an element inside a hidden panel (#setup-step-role) opens it.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export interface TabItem {
  id: string;
  label: ReactNode;
  content: ReactNode;
}

export function Tabs({ tabs, initialTab, label, param = "tab" }: { tabs: TabItem[]; initialTab: string; label: string; param?: string }) {
  const [selected, setSelected] = useState(tabs.some((tab) => tab.id === initialTab) ? initialTab : tabs[0]!.id);
  const prefix = useId();
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const panelRefs = useRef(new Map<string, HTMLDivElement>());

  function select(id: string, focus: boolean) {
    setSelected(id);
    const url = new URL(window.location.href);
    url.searchParams.set(param, id);
    url.hash = "";
    window.history.replaceState(window.history.state, "", url);
    if (focus) tabRefs.current.get(id)?.focus();
  }

  // A link to an element in another panel selects that panel, then scrolls to the element.
  useEffect(() => {
    function openHashTarget() {
      const id = decodeURIComponent(window.location.hash.slice(1));
      if (!id) return;
      const target = document.getElementById(id);
      if (!target) return;
      for (const [tabId, panel] of panelRefs.current) {
        if (panel.contains(target)) {
          setSelected(tabId);
          requestAnimationFrame(() => {
            target.scrollIntoView({ block: "start" });
            if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
            target.focus({ preventScroll: true });
          });
          return;
        }
      }
    }
    openHashTarget();
    window.addEventListener("hashchange", openHashTarget);
    return () => window.removeEventListener("hashchange", openHashTarget);
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const next =
      event.key === "ArrowRight" ? (index + 1) % tabs.length : event.key === "ArrowLeft" ? (index - 1 + tabs.length) % tabs.length : event.key === "Home" ? 0 : event.key === "End" ? tabs.length - 1 : -1;
    if (next < 0) return;
    event.preventDefault();
    select(tabs[next]!.id, true);
  }

  return (
    <div>
      <div role="tablist" aria-label={label} className="mb-5 flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800">
        {tabs.map((tab) => {
          const active = tab.id === selected;
          return (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) tabRefs.current.set(tab.id, element);
              }}
              type="button"
              role="tab"
              id={`${prefix}-tab-${tab.id}`}
              aria-selected={active}
              aria-controls={`${prefix}-panel-${tab.id}`}
              tabIndex={active ? 0 : -1}
              onClick={() => select(tab.id, false)}
              onKeyDown={onKeyDown}
              data-tab={tab.id}
              className={cx(
                "-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-500",
                active
                  ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                  : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              )}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          ref={(element) => {
            if (element) panelRefs.current.set(tab.id, element);
          }}
          role="tabpanel"
          id={`${prefix}-panel-${tab.id}`}
          aria-labelledby={`${prefix}-tab-${tab.id}`}
          tabIndex={0}
          hidden={tab.id !== selected}
          className="outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 rounded-md"
        >
          {tab.content}
        </div>
      ))}
    </div>
  );
}
