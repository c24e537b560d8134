//! `ledestjerne` turns a folder of typed, cross-referenced Markdown into a static site.
//!
//! [`pipeline`] runs the stages in order and is the place to start reading.
//! The modules are layers; each uses only those listed before it (a test
//! checks this):
//!
//! 1. Foundations: [`diagnostics`] (problems with places), [`html`]
//!    (escaping), [`slug`], [`yaml`] (parsing with limits), [`files`] (the
//!    files stages hand on), [`tree`] (reading the site's folders, links
//!    that leave it refused).
//! 2. [`config`] reads `site.yaml`: site settings and the typed content schema.
//! 3. [`content`] discovers the pages, splits front matter from body and
//!    validates each page against its kind.
//! 4. [`markdown`] scans and renders bodies; [`graph`] resolves every
//!    reference and link into one content graph with backlinks and related
//!    hubs; [`cite`] reads the bibliography and checks every citation against it.
//! 5. [`render`] builds typed views and runs them through the theme's Tera
//!    templates: pages, listings, print page, sitemap, charts.
//! 6. [`search`] indexes the pages' views with Pagefind.
//! 7. [`output`] writes the site atomically.
//! 8. [`pipeline`] calls the stages; [`scaffold`] writes new pages (`new`);
//!    [`init`] writes a starter site (`init`) or the built-in theme (`theme eject`).
//! 9. [`watch`] turns file-system events into changes; [`serve`] is the dev
//!    server with live reload on top of the pipeline's incremental session.

pub mod diagnostics;
pub mod files;
pub mod html;
pub mod slug;
pub mod timing;
pub mod tree;
pub mod yaml;

pub mod cite;
pub mod config;
pub mod content;
pub mod graph;
pub mod init;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod watch;
