//! ICE (`[ice]`): officers preparing Notices to Appear, how many each prepares, and the delay
//! before an NTA is filed with the court.

use super::check::{capacity, Check};
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::{Ice, NtaQueueOrder};

/// The names of the NTA queue orders.
const ORDERS: [(&str, NtaQueueOrder); 2] = [
    (
        "freshest_address_first",
        NtaQueueOrder::FreshestAddressFirst,
    ),
    ("first_in_first_out", NtaQueueOrder::FirstInFirstOut),
];

pub(super) fn validate(c: &mut Check, p: &Period, i: &raw::Ice) -> Ice {
    let officers = p.schedule(
        c,
        "ice.nta_officers",
        &i.nta_officers,
        1,
        1_000_000,
        "officers",
    );
    Ice {
        nta_capacity_per_day: capacity(
            &officers,
            c.range(
                "ice.ntas_per_officer_day",
                i.ntas_per_officer_day,
                0.01,
                10_000.0,
                "NTAs per officer-day",
            ),
        ),
        nta_intent: p.dated(c, "ice.nta_probability", &i.nta_probability, |c, f, v| {
            c.prob(f, v)
        }),
        nta_queue_order: queue_order(c, &i.nta_queue_order),
        nta_filing: c.days(
            "ice.nta_filing_days_mean",
            i.nta_filing_days_mean,
            "ice.nta_filing_cv",
            i.nta_filing_cv,
        ),
    }
}

/// The NTA queue order named `name`; freshest-address-first when the name is bad.
fn queue_order(c: &mut Check, name: &str) -> NtaQueueOrder {
    match ORDERS.iter().find(|(n, _)| *n == name) {
        Some(&(_, order)) => order,
        None => {
            c.bad(
                "ice.nta_queue_order",
                format!("\"{name}\""),
                "must be \"freshest_address_first\" or \"first_in_first_out\"",
            );
            NtaQueueOrder::FreshestAddressFirst
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_order_is_one_of_two_names() {
        let mut c = Check::default();
        assert_eq!(
            queue_order(&mut c, "first_in_first_out"),
            NtaQueueOrder::FirstInFirstOut
        );
        assert_eq!(
            queue_order(&mut c, "freshest_address_first"),
            NtaQueueOrder::FreshestAddressFirst
        );
        assert!(c.problems.is_empty());
        queue_order(&mut c, "fifo");
        assert_eq!(
            c.problems[0].to_string(),
            "field `ice.nta_queue_order` = \"fifo\": must be \"freshest_address_first\" or \"first_in_first_out\""
        );
    }
}
