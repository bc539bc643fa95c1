// The one place that says which Chromium the end-to-end tests drive: the
// system's (Debian's `chromium` package), because Playwright cannot download
// its own browsers here. CHROMIUM_PATH overrides it.
export const chromiumExecutablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
