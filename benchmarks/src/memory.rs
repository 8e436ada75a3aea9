//! The query engine's memory pool: first come, first served, with a cap per spillable operator.
//!
//! DataFusion's fair pool gives each spillable operator (sorts, aggregations) an equal share of
//! the pool; the tourism queries run so many at once (about fifty) that a share (about 80 MB of
//! 4 GiB) is smaller than one sort's first batch, and the query fails though it needs 250 MB in
//! all. The greedy pool lets one sort take nearly everything, and then the merge that follows
//! it, which cannot spill, fails (`trip_length` on a 150-million-row view). This pool is greedy
//! but stops each spillable operator at a quarter of the pool, where it spills, so that what
//! cannot spill always finds room.

use std::fmt;

use datafusion::common::{Result, resources_datafusion_err};
use datafusion::execution::memory_pool::{
    GreedyMemoryPool, MemoryLimit, MemoryPool, MemoryReservation,
};

/// Share of the pool one spillable operator may hold.
const SPILLABLE_SHARE: usize = 4;

/// A greedy pool whose spillable operators hold at most a quarter of it each.
#[derive(Debug)]
pub struct CappedPool {
    inner: GreedyMemoryPool,
    cap: usize,
}

impl CappedPool {
    /// A pool of `bytes`.
    pub fn new(bytes: usize) -> CappedPool {
        CappedPool {
            inner: GreedyMemoryPool::new(bytes),
            cap: bytes / SPILLABLE_SHARE,
        }
    }
}

impl MemoryPool for CappedPool {
    fn name(&self) -> &str {
        "capped greedy"
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        self.inner.grow(reservation, additional);
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        self.inner.shrink(reservation, shrink);
    }

    fn try_grow(&self, reservation: &MemoryReservation, additional: usize) -> Result<()> {
        if reservation.consumer().can_spill() && reservation.size() + additional > self.cap {
            return Err(resources_datafusion_err!(
                "Failed to allocate additional {additional} bytes for {} with {} bytes already \
                 allocated: a spillable operator may hold at most {} bytes",
                reservation.consumer().name(),
                reservation.size(),
                self.cap
            ));
        }
        self.inner.try_grow(reservation, additional)
    }

    fn reserved(&self) -> usize {
        self.inner.reserved()
    }

    fn memory_limit(&self) -> MemoryLimit {
        self.inner.memory_limit()
    }
}

impl fmt::Display for CappedPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (cap per spillable operator {} bytes)",
            self.inner, self.cap
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::execution::memory_pool::MemoryConsumer;

    use super::*;

    #[test]
    fn spillable_operators_stop_at_the_cap_and_others_find_room() {
        let pool: Arc<dyn MemoryPool> = Arc::new(CappedPool::new(400));
        let sort = MemoryConsumer::new("sort")
            .with_can_spill(true)
            .register(&pool);
        sort.try_grow(100).unwrap();
        assert!(sort.try_grow(1).is_err(), "the cap is a quarter");
        let other_sort = MemoryConsumer::new("sort 2")
            .with_can_spill(true)
            .register(&pool);
        other_sort.try_grow(100).unwrap();
        let merge = MemoryConsumer::new("merge").register(&pool);
        merge.try_grow(200).unwrap();
        assert!(merge.try_grow(1).is_err(), "the pool is full");
        assert_eq!(pool.reserved(), 400);
        drop(sort);
        assert_eq!(pool.reserved(), 300);
        merge.try_grow(100).unwrap();
    }
}
