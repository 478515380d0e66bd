//! The one place where random streams are derived from the master seed.
//!
//! Every stream is a [`rand_pcg::Pcg64Mcg`] (a named, portable generator whose output is fixed by its
//! algorithm, not by the `rand` version) seeded from a 64-bit key:
//!
//! `key = mix(mix(mix(mix(master_seed) ^ replication) ^ child) ^ purpose)`
//!
//! where `mix` is the SplitMix64 finaliser. Streams are therefore independent per replication,
//! per child and per purpose, and do not depend on thread count or on the order in which
//! replications run. Two scenarios run with the same master seed draw the same numbers for the
//! same (replication, child, purpose): this is what gives common random numbers.

use rand::SeedableRng;
pub(crate) use rand_pcg::Pcg64Mcg as Stream;

/// What a stream is used for. Each purpose has its own stream so that changing how many numbers
/// one mechanism draws never shifts the numbers another mechanism sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Purpose {
    /// Arrival times of the whole cohort (one stream per replication, `child` = 0).
    Arrivals = 1,
    /// A child's fixed attributes: age, country group, sponsor category and risk, propensities.
    Attributes = 2,
    /// Everything before release: CBP processing, transport, sponsor search, vetting.
    PreRelease = 3,
    /// Life after release: household moves, reporting, running away, exploitation.
    Life = 4,
    /// Agency follow-up: calls, NTAs, court, welfare checks, reports and leads.
    FollowUp = 5,
    /// Screening for trafficking indicators, at CBP intake and in ORR care.
    Screening = 6,
    /// Where the child lives, as targeted operations see it (one number per child and
    /// operation).
    Region = 7,
}

/// SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijective 64-bit mixer.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The documented key of a stream (see the module documentation).
#[inline]
pub(crate) fn stream_key(master_seed: u64, replication: u64, child: u64, purpose: Purpose) -> u64 {
    ReplicationKey::new(master_seed, replication).stream_key(child, purpose)
}

/// The stream for one (master seed, replication, child, purpose).
#[inline]
pub(crate) fn stream(master_seed: u64, replication: u64, child: u64, purpose: Purpose) -> Stream {
    Stream::seed_from_u64(stream_key(master_seed, replication, child, purpose))
}

/// The part of every stream key that one replication shares, `mix(mix(master_seed) ^
/// replication)`, computed once: a replication derives a few streams for every child, and the
/// key of each is then two mixes instead of four.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplicationKey(u64);

impl ReplicationKey {
    pub(crate) fn new(master_seed: u64, replication: u64) -> Self {
        ReplicationKey(mix(mix(master_seed) ^ replication))
    }

    /// The key of the stream for `child` and `purpose` (the same as [`stream_key`]).
    #[inline]
    pub(crate) fn stream_key(self, child: u64, purpose: Purpose) -> u64 {
        mix(mix(self.0 ^ child) ^ purpose as u64)
    }

    /// The stream for `child` and `purpose` (the same as [`stream`]).
    #[inline]
    pub(crate) fn stream(self, child: u64, purpose: Purpose) -> Stream {
        Stream::seed_from_u64(self.stream_key(child, purpose))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_every_component() {
        let base = stream_key(7, 0, 0, Purpose::Life);
        assert_ne!(base, stream_key(8, 0, 0, Purpose::Life));
        assert_ne!(base, stream_key(7, 1, 0, Purpose::Life));
        assert_ne!(base, stream_key(7, 0, 1, Purpose::Life));
        assert_ne!(base, stream_key(7, 0, 0, Purpose::FollowUp));
    }

    #[test]
    fn value_stability() {
        // Pinned: changing the derivation or the generator silently would break the
        // reproducibility of every earlier run. Change only deliberately.
        assert_eq!(stream_key(42, 3, 17, Purpose::Attributes), PINNED_KEY);
        let mut s = stream(42, 3, 17, Purpose::Attributes);
        assert_eq!(s.random::<u64>(), PINNED_FIRST);
    }

    #[test]
    fn the_cached_replication_key_gives_the_documented_key() {
        for (seed, rep, child) in [(0, 0, 0), (42, 3, 17), (u64::MAX, 7, 454_499)] {
            let key = ReplicationKey::new(seed, rep);
            for purpose in [Purpose::Attributes, Purpose::Life, Purpose::Region] {
                let documented = mix(mix(mix(mix(seed) ^ rep) ^ child) ^ purpose as u64);
                assert_eq!(key.stream_key(child, purpose), documented);
                assert_eq!(
                    key.stream(child, purpose),
                    stream(seed, rep, child, purpose)
                );
            }
        }
    }

    const PINNED_KEY: u64 = 14_640_745_650_657_957_589;
    const PINNED_FIRST: u64 = 9_652_274_442_207_005_809;
}
