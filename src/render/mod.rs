//! Rendering: the content graph into the site's HTML.
//!
//! Four parts, one module each:
//! [`order`] puts each kind's pages in listing order; [`view`] builds the
//! typed [`views`] templates receive (pure, no templates); [`theme`] loads
//! the Tera templates, static files and UI strings, over the default theme
//! [`embedded`] in the binary; [`write`] runs the views
//! through the templates into files — pages, listings, special pages, the
//! print page, the sitemap, the Atom [`feeds`] and the [`redirects`] at pages' old addresses; [`plan`] knows the path of every file before
//! it is rendered, and checks them. [`charts`] draws figures and [`hub_map`] the map of hubs as
//! inline SVG. [`cite`] puts citations, reference lists and the bibliography
//! page into the views.

pub mod charts;
pub mod cite;
pub mod embedded;
pub mod feeds;
pub mod hub_map;
pub mod order;
pub mod paths;
pub mod plan;
pub mod redirects;
pub mod relative;
pub mod theme;
pub mod values;
pub mod view;
pub mod views;
pub mod write;

pub use order::Order;
pub use theme::{TemplateFailure, Templates, Theme};
pub use view::ViewBuilder;
pub use write::Writer;
