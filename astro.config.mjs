// The chart browser (Astro + Pagefind) is built from catalog/ alone; its sources live in site/.
// This file is read by `astro build`; the site itself arrives with the site issue.
export default {
  srcDir: './site',
  outDir: './dist',
};
