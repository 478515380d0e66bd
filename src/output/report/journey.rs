//! The journey of one traced child: `journey.csv`, one row per step.

use std::path::Path;

use anyhow::Result;

use crate::output::files::write_atomic;
use crate::output::schema::journey;
use crate::sim::{Agency, ChildEvent, Lens};

/// `journey.csv`: one row per step of the traced child's journey.
pub(crate) fn write_journey(path: &Path, start_date: &str, events: &[ChildEvent]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(journey::columns())?;
        for e in events {
            let mut row = vec![
                e.time.to_string(),
                crate::scenario::date_of(start_date, e.time / crate::sim::params::MINUTES_PER_DAY),
                e.what.to_string(),
                e.state.name().to_string(),
                e.locatable[Lens::Ice as usize].to_string(),
                e.locatable[Lens::Pooled as usize].to_string(),
                e.true_address.to_string(),
                e.household.to_string(),
            ];
            row.extend(
                Agency::ALL
                    .iter()
                    .map(|&a| e.records[a as usize].to_string()),
            );
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}
