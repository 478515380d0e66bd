//! The flows into and out of unlocatable, through the reported lenses (ICE and pooled): children
//! who became unlocatable for each cause, were found again by each route, or left the followed
//! population while unlocatable by each exit (`ice_became_unlocatable_move_unreported`).

use super::values::Entry;
use super::Better::{Higher, Lower};
use super::{Kind, Metric, CHILDREN};
use crate::sim::core::locate::{Cause, Exit, Lens, Route};
use crate::sim::core::summary::RunSummary;

/// A way into or out of unlocatable through a lens (the flows of
/// [`Flows`](crate::sim::core::locate::Flows)): becoming unlocatable for a cause, being found again by a
/// route, or leaving the followed population while unlocatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Became unlocatable for this cause.
    Lost(Cause),
    /// Found again by this route.
    Found(Route),
    /// Left the followed population while unlocatable this way.
    Left(Exit),
}

impl Flow {
    /// Every flow, in output order: causes, routes, exits.
    pub fn all() -> impl Iterator<Item = Flow> {
        Cause::ALL
            .into_iter()
            .map(Flow::Lost)
            .chain(Route::ALL.into_iter().map(Flow::Found))
            .chain(Exit::ALL.into_iter().map(Flow::Left))
    }

    /// The part of its column after the lens prefix: `became_unlocatable_<cause>`,
    /// `found_again_<route>`, `left_while_unlocatable_<exit>`.
    pub fn stem(self) -> String {
        match self {
            Flow::Lost(c) => format!("became_unlocatable_{}", c.name()),
            Flow::Found(r) => format!("found_again_{}", r.name()),
            Flow::Left(e) => format!("left_while_unlocatable_{}", e.name()),
        }
    }

    /// The metric of this flow through `lens` (`ice_became_unlocatable_move_unreported`).
    pub fn key(self, lens: Lens) -> String {
        format!("{}_{}", lens.prefix(), self.stem())
    }

    /// Words for people for the cause, route or exit.
    pub fn label(self) -> &'static str {
        match self {
            Flow::Lost(c) => c.label(),
            Flow::Found(r) => r.label(),
            Flow::Left(e) => e.label(),
        }
    }

    /// The flow's running total through lens index `l`.
    fn read(self, s: &RunSummary, l: usize) -> f64 {
        (match self {
            Flow::Lost(c) => s.flows.lost[l][c as usize],
            Flow::Found(r) => s.flows.found[l][r as usize],
            Flow::Left(e) => s.flows.exited[l][e as usize],
        }) as f64
    }
}

/// The flows' entries of the catalogue: every flow through each reported lens, lens by lens.
pub(super) fn entries() -> impl Iterator<Item = Entry> {
    Lens::REPORTED.into_iter().flat_map(|lens| {
        let who = match lens {
            Lens::Ice => "by ICE",
            _ => "by every agency",
        };
        let l = lens as usize;
        Flow::all().map(move |f| {
            let (words, better, unit) = match f {
                Flow::Lost(_) => ("Became unlocatable", Lower, "times"),
                Flow::Found(_) => ("Found again", Higher, "times"),
                Flow::Left(_) => ("Left while unlocatable", Lower, CHILDREN),
            };
            let metric = Metric {
                key: f.key(lens),
                label: format!("{words} {who}: {}", f.label()),
                unit,
                better,
                lens: Some(lens),
                kind: Kind::Count,
            };
            (metric, Box::new(move |s: &RunSummary| f.read(s, l)) as _)
        })
    })
}
