//! The condition of a scenario discovery (`improvement < 1000`): what it compares in each future
//! and whether it holds.

use super::regret::regrets;
use super::Direction;

/// What a condition compares, per future (means over the successful replications).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// The reform's value of the metric.
    Value,
    /// The baseline's value.
    Baseline,
    /// The reform's value minus the baseline's.
    Difference,
    /// How much better than the baseline the reform does (the difference with the metric's better
    /// direction positive: for "lower is better", baseline minus reform).
    Improvement,
    /// How much worse than the best policy of that future (0 for the best).
    Regret,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A condition such as `improvement < 1000`: the futures where it holds are the cases PRIM looks
/// for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Condition {
    pub quantity: Quantity,
    pub op: Op,
    pub threshold: f64,
}

/// What a condition may be, for messages.
pub(crate) const CONDITION_HELP: &str = "`QUANTITY OP NUMBER`, QUANTITY one of value, baseline, difference (reform - baseline), improvement (better than the baseline, in the metric's better direction), regret (behind the best policy of the future); OP one of <, <=, >, >=; e.g. \"improvement < 1000\" (the reform does not improve on the baseline by at least 1000)";

impl Condition {
    /// Parse `QUANTITY OP NUMBER` (spaces optional around the operator).
    pub(crate) fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        let ops = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
        let Some((at, len, op)) = ops
            .iter()
            .filter_map(|(sym, op)| t.find(sym).map(|i| (i, sym.len(), *op)))
            .min_by_key(|(i, len, _)| (*i, usize::MAX - len))
        else {
            return Err(format!(
                "\"{}\": no comparison operator; write {CONDITION_HELP}",
                t.escape_debug()
            ));
        };
        let (left, right) = (t[..at].trim(), t[at + len..].trim());
        let quantity = match left {
            "value" => Quantity::Value,
            "baseline" => Quantity::Baseline,
            "difference" => Quantity::Difference,
            "improvement" => Quantity::Improvement,
            "regret" => Quantity::Regret,
            other => {
                return Err(format!(
                    "\"{}\": unknown quantity; write {CONDITION_HELP}",
                    other.escape_debug()
                ))
            }
        };
        let threshold: f64 = right
            .replace('_', "")
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| {
                format!(
                    "\"{}\": not a finite number; write {CONDITION_HELP}",
                    right.escape_debug()
                )
            })?;
        Ok(Condition {
            quantity,
            op,
            threshold,
        })
    }

    /// Whether the condition holds for the quantity's value `v` (never for NaN).
    pub(crate) fn holds(&self, v: f64) -> bool {
        match self.op {
            Op::Lt => v < self.threshold,
            Op::Le => v <= self.threshold,
            Op::Gt => v > self.threshold,
            Op::Ge => v >= self.threshold,
        }
    }

    /// Whether the quantity needs the metric's better direction.
    pub(crate) fn needs_direction(&self) -> bool {
        matches!(self.quantity, Quantity::Improvement | Quantity::Regret)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = match self.quantity {
            Quantity::Value => "value",
            Quantity::Baseline => "baseline",
            Quantity::Difference => "difference",
            Quantity::Improvement => "improvement",
            Quantity::Regret => "regret",
        };
        let op = match self.op {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        };
        write!(f, "{q} {op} {}", self.threshold)
    }
}

/// The value of `quantity` in one future from the policies' values there (`values[0]` the
/// baseline's, `values[reform]` the reform's; NaN: no result).
pub(crate) fn quantity_of(
    quantity: Quantity,
    values: &[f64],
    reform: usize,
    direction: Option<Direction>,
) -> f64 {
    let (v, b) = (values[reform], values[0]);
    match quantity {
        Quantity::Value => v,
        Quantity::Baseline => b,
        Quantity::Difference => v - b,
        Quantity::Improvement => direction.map_or(f64::NAN, |d| d.improvement(v, b)),
        Quantity::Regret => direction.map_or(f64::NAN, |d| regrets(values, d).0[reform]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_hold() {
        let c = Condition::parse("improvement < 1000").unwrap();
        assert_eq!(
            c,
            Condition {
                quantity: Quantity::Improvement,
                op: Op::Lt,
                threshold: 1000.0
            }
        );
        assert!(c.holds(999.0) && !c.holds(1000.0) && !c.holds(f64::NAN));
        let c = Condition::parse("regret>=2.5").unwrap();
        assert_eq!(
            (c.quantity, c.op, c.threshold),
            (Quantity::Regret, Op::Ge, 2.5)
        );
        assert_eq!(c.to_string(), "regret >= 2.5");
        assert_eq!(
            Condition::parse(" value <= 1_000 ").unwrap().threshold,
            1000.0
        );
        for bad in [
            "improvement",
            "gain < 3",
            "value < lots",
            "value < inf",
            "< 3",
        ] {
            let e = Condition::parse(bad).unwrap_err();
            assert!(e.contains("QUANTITY OP NUMBER"), "{bad}: {e}");
        }
        // Improvement is direction-aware; regret is against the best policy of the future.
        let values = [100.0, 90.0, 80.0];
        assert_eq!(
            quantity_of(Quantity::Improvement, &values, 1, Some(Direction::Lower)),
            10.0
        );
        assert_eq!(
            quantity_of(Quantity::Improvement, &values, 1, Some(Direction::Higher)),
            -10.0
        );
        assert_eq!(quantity_of(Quantity::Difference, &values, 1, None), -10.0);
        assert_eq!(
            quantity_of(Quantity::Regret, &values, 1, Some(Direction::Lower)),
            10.0
        );
        assert!(quantity_of(Quantity::Regret, &values, 1, None).is_nan());
    }
}
