//! `ledestjerne` turns a folder of typed, cross-referenced Markdown into a static site.
//!
//! The pipeline, one module per stage (see [`build::build`]):
//!
//! 1. [`config`] reads `site.yaml`: site settings and the content schema.
//! 2. [`content`] discovers the pages, splits front matter from body and validates
//!    each page against its kind.
//! 3. [`markdown`] scans bodies for headings and links; [`graph`] resolves every
//!    reference and link into one content graph with backlinks and actor relations.
//! 4. [`render`] renders Markdown and Tera templates into HTML pages, listings,
//!    charts ([`charts`]), `sitemap.xml` and `404.html`.
//! 5. [`output`] writes the site atomically.

pub mod build;
pub mod charts;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod graph;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod watch;
pub mod yaml;
