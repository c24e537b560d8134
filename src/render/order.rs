//! Listing order: the pages of each kind in the order listings, previous/next
//! links, backlinks and the print page show them — by the kind's `sort`
//! field (`-field`: largest first), then by title, numbers by value and
//! Danish letters last.
//!
//! The incremental session keeps an [`Order`] between edits and sorts again
//! only the kinds whose pages changed what they are sorted by.

use crate::config::{Config, Kind, KindIdx};
use crate::content::{Page, PageIdx};

/// The pages of every kind in listing order, and each page's place in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    by_kind: Vec<Vec<PageIdx>>,
    rank: Vec<usize>,
}

impl Order {
    /// The listing order of `pages`.
    pub fn new(config: &Config, pages: &[Page]) -> Order {
        let mut order = Order { by_kind: vec![Vec::new(); config.kinds.len()], rank: vec![0; pages.len()] };
        for (k, _) in config.kinds() {
            order.resort(k, config, pages);
        }
        order
    }

    /// Sorts the pages of kind `k` again, after some of them changed.
    pub fn resort(&mut self, k: KindIdx, config: &Config, pages: &[Page]) {
        self.by_kind[k.0] = sorted_pages(pages, k, &config.kinds[k]);
        for (pos, &i) in self.by_kind[k.0].iter().enumerate() {
            self.rank[i.0] = pos;
        }
    }

    /// The pages of kind `k`, in listing order.
    pub fn of_kind(&self, k: KindIdx) -> &[PageIdx] {
        &self.by_kind[k.0]
    }

    /// Every page, kind by kind, each kind in listing order.
    pub fn all(&self) -> impl Iterator<Item = PageIdx> + '_ {
        self.by_kind.iter().flatten().copied()
    }

    /// Page `i`'s place in its kind's listing.
    pub fn rank(&self, i: PageIdx) -> usize {
        self.rank[i.0]
    }

    /// Page `i`'s previous and next page in its kind's listing.
    pub fn neighbours(&self, i: PageIdx, kind: KindIdx) -> (Option<PageIdx>, Option<PageIdx>) {
        let order = &self.by_kind[kind.0];
        let pos = self.rank[i.0];
        (pos.checked_sub(1).map(|p| order[p]), order.get(pos + 1).copied())
    }

    /// Every page's previous and next page, by page index.
    pub fn neighbour_pairs(&self) -> Vec<(Option<PageIdx>, Option<PageIdx>)> {
        let mut pairs = vec![(None, None); self.rank.len()];
        for order in &self.by_kind {
            for (pos, &i) in order.iter().enumerate() {
                pairs[i.0] = (pos.checked_sub(1).map(|p| order[p]), order.get(pos + 1).copied());
            }
        }
        pairs
    }
}

/// The pages of kind `k` in listing order: by the `sort` field (largest
/// first for `-field`), pages without it last, then by title.
fn sorted_pages(pages: &[Page], k: KindIdx, kind: &Kind) -> Vec<PageIdx> {
    let descending = kind.sort.as_ref().is_some_and(|s| s.descending);
    let mut keyed: Vec<_> = PageIdx::all(pages.len())
        .filter(|&i| pages[i].kind == k)
        .map(|i| {
            let p = &pages[i];
            let sort = kind.sort.as_ref().and_then(|s| p.fields.get(&s.field));
            ((sort.is_none(), sort.map(|v| natural_key(&v.plain())).unwrap_or_default(), natural_key(&p.title)), i)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        let by_value = if descending { b.1.cmp(&a.1) } else { a.1.cmp(&b.1) };
        a.0.cmp(&b.0).then(by_value).then_with(|| a.2.cmp(&b.2))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// A sort key that orders numbers by value (`5.2` before `5.16`) and Danish letters last (`æ ø å`).
pub fn natural_key(text: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push((n.parse().unwrap_or(u64::MAX), String::new()));
        } else {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| !d.is_ascii_digit()) {
                s.extend(d.to_lowercase().map(danish_last));
                chars.next();
            }
            out.push((0, s));
        }
    }
    out
}

/// `æ ø å` mapped past `z`, in that order.
fn danish_last(c: char) -> char {
    match c {
        'æ' => '{',
        'ø' => '|',
        'å' => '}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn natural_order_puts_numbers_by_value_and_danish_letters_last() {
        let mut v = vec!["5.16", "5.2", "1.1"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["1.1", "5.2", "5.16"]);
        let mut w = vec!["Åben", "Zebra", "Ærø", "Øst"];
        w.sort_by_key(|s| natural_key(s));
        assert_eq!(w, ["Zebra", "Ærø", "Øst", "Åben"]);
    }
}
