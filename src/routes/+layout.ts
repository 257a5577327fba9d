// Every page is prerendered to static HTML; trailing slashes make /en/adding-noise/ a folder on disk.
export const prerender = true;
export const trailingSlash = 'always';
