//! Exact nearest-neighbour queries over a fixed set of planar points through a uniform grid.
//!
//! The answers are those of an R-tree's nearest-neighbour search (the same points, in the same
//! order of squared planar distance, computed the same way); points at exactly equal distances
//! come in a fixed order (by grid cell, then input order). A query visits the grid cells in rings around the query's
//! cell until no unvisited cell can hold a nearer point, so it costs a few cell scans instead
//! of a tree descent with a heap.

/// Points with a payload, bucketed by grid cell.
pub(crate) struct PointGrid<T> {
    /// Points, grouped by cell (row-major), each group in input order.
    points: Vec<([f64; 2], T)>,
    /// `points[starts[c]..starts[c + 1]]` lie in cell `c`.
    starts: Vec<u32>,
    origin: [f64; 2],
    /// Side of a cell, in plane units.
    side: f64,
    nx: usize,
    ny: usize,
}

/// Most cells of a grid (4 MiB of cell starts): refining stops before.
const MAX_CELLS: f64 = (1u32 << 20) as f64;

impl<T: Copy> PointGrid<T> {
    /// A grid over `points` (plane coordinates, see [`super::projection::to_plane`]) with
    /// about `per_cell` points per occupied cell (about the number of neighbours queries ask
    /// for is a good choice).
    pub(crate) fn new(points: Vec<([f64; 2], T)>, per_cell: f64) -> Self {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for (p, _) in &points {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        if points.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let (w, h) = ((hi[0] - lo[0]).max(1e-9), (hi[1] - lo[1]).max(1e-9));
        // Points cluster (towns), so size cells by the occupied area: start from the bounding
        // box and refine until the occupied cells hold about `per_cell` points each.
        let mut side = (w * h * per_cell / points.len().max(1) as f64).sqrt();
        for _ in 0..8 {
            let mut occupied: Vec<u64> = points
                .iter()
                .map(|(p, _)| {
                    let x = ((p[0] - lo[0]) / side) as u64;
                    let y = ((p[1] - lo[1]) / side) as u64;
                    (y << 32) | x
                })
                .collect();
            occupied.sort_unstable();
            occupied.dedup();
            let per = points.len() as f64 / occupied.len().max(1) as f64;
            let finer = side / (per / per_cell).sqrt().min(4.0);
            if per <= per_cell * 1.5 || (w / finer + 1.0) * (h / finer + 1.0) > MAX_CELLS {
                break;
            }
            side = finer;
        }
        let nx = ((w / side) as usize + 1).max(1);
        let ny = ((h / side) as usize + 1).max(1);
        let mut grid = PointGrid {
            points: Vec::new(),
            starts: vec![0; nx * ny + 1],
            origin: lo,
            side,
            nx,
            ny,
        };
        let cell_of: Vec<usize> = points
            .iter()
            .map(|(p, _)| {
                let (x, y) = grid.cell(*p);
                y * nx + x
            })
            .collect();
        for &c in &cell_of {
            grid.starts[c + 1] += 1;
        }
        for c in 0..nx * ny {
            grid.starts[c + 1] += grid.starts[c];
        }
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by_key(|&i| cell_of[i]);
        grid.points = order.into_iter().map(|i| points[i]).collect();
        grid
    }

    /// Cell (column, row) of a point, clamped to the grid.
    fn cell(&self, p: [f64; 2]) -> (usize, usize) {
        let clamp = |v: f64, n: usize| {
            if v.is_nan() || v <= 0.0 {
                0
            } else {
                (v as usize).min(n - 1)
            }
        };
        (
            clamp((p[0] - self.origin[0]) / self.side, self.nx),
            clamp((p[1] - self.origin[1]) / self.side, self.ny),
        )
    }

    /// The point nearest to `q`, if any.
    pub(crate) fn nearest(&self, q: [f64; 2]) -> Option<T> {
        let mut best = [(f64::INFINITY, 0u32); 1];
        let found = self.k_nearest_into(q, &mut best);
        (found > 0).then(|| self.points[best[0].1 as usize].1)
    }

    /// The `K` points nearest to `q`, nearest first (fewer when the grid holds fewer), with
    /// their squared planar distances.
    pub(crate) fn k_nearest<const K: usize>(&self, q: [f64; 2]) -> ([(f64, T); K], usize)
    where
        T: Default,
    {
        let mut best = [(f64::INFINITY, 0u32); K];
        let found = self.k_nearest_into(q, &mut best);
        let mut out = [(0.0, T::default()); K];
        for (o, &(d, i)) in out.iter_mut().zip(&best[..found]) {
            *o = (d, self.points[i as usize].1);
        }
        (out, found)
    }

    /// Fills `best` with (squared distance, index into `points`) of the nearest points, sorted;
    /// returns how many were found.
    fn k_nearest_into(&self, q: [f64; 2], best: &mut [(f64, u32)]) -> usize {
        let k = best.len();
        let mut found = 0;
        if self.points.is_empty() || k == 0 {
            return 0;
        }
        let (cx, cy) = self.cell(q);
        let (nx, ny) = (self.nx as isize, self.ny as isize);
        let (cx, cy) = (cx as isize, cy as isize);
        let mut r: isize = 0;
        loop {
            // Cells of ring r: Chebyshev distance r from (cx, cy), inside the grid.
            let (x0, x1) = ((cx - r).max(0), (cx + r).min(nx - 1));
            let (y0, y1) = ((cy - r).max(0), (cy + r).min(ny - 1));
            let mut scan = |x: isize, y: isize| {
                let c = (y * nx + x) as usize;
                let (a, b) = (self.starts[c] as usize, self.starts[c + 1] as usize);
                for i in a..b {
                    let p = self.points[i].0;
                    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                    let d = 0.0 + dx * dx + dy * dy;
                    let i = i as u32;
                    if found == k && !less((d, i), best[k - 1]) {
                        continue;
                    }
                    let mut j = found.min(k - 1);
                    while j > 0 && less((d, i), best[j - 1]) {
                        best[j] = best[j - 1];
                        j -= 1;
                    }
                    best[j] = (d, i);
                    found = (found + 1).min(k);
                }
            };
            if r == 0 {
                scan(cx, cy);
            } else {
                for y in [cy - r, cy + r] {
                    if (0..ny).contains(&y) {
                        (x0..=x1).for_each(|x| scan(x, y));
                    }
                }
                for x in [cx - r, cx + r] {
                    if (0..nx).contains(&x) {
                        ((cy - r + 1).max(0)..=(cy + r - 1).min(ny - 1)).for_each(|y| scan(x, y));
                    }
                }
            }
            // Any point in a later ring lies beyond the box of rings 0..=r on a side where the
            // grid goes on.
            let side = self.side;
            let (ox, oy) = (self.origin[0], self.origin[1]);
            let mut bound = f64::INFINITY;
            if x0 > 0 {
                bound = bound.min(q[0] - (ox + x0 as f64 * side));
            }
            if x1 < nx - 1 {
                bound = bound.min(ox + (x1 + 1) as f64 * side - q[0]);
            }
            if y0 > 0 {
                bound = bound.min(q[1] - (oy + y0 as f64 * side));
            }
            if y1 < ny - 1 {
                bound = bound.min(oy + (y1 + 1) as f64 * side - q[1]);
            }
            if bound == f64::INFINITY {
                return found;
            }
            // A margin for rounding in the cell arithmetic keeps the search exact.
            let bound = (bound - side * 1e-9).max(0.0);
            if found == k && best[k - 1].0 < bound * bound {
                return found;
            }
            r += 1;
        }
    }
}

/// Order of candidates: squared distance, then input position within the grid.
fn less(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstar::RTree;
    use rstar::primitives::GeomWithData;

    #[test]
    fn answers_like_an_r_tree() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // Clustered points: a few towns and a sparse countryside.
        let mut points = Vec::new();
        for i in 0..3000u32 {
            let p = if i % 3 == 0 {
                [next() * 800.0, next() * 400.0]
            } else {
                let town = f64::from(i % 7);
                [100.0 + town * 60.0 + next() * 5.0, 200.0 + next() * 5.0]
            };
            points.push((p, i));
        }
        let grid = PointGrid::new(points.clone(), 3.0);
        let tree = RTree::bulk_load(
            points
                .iter()
                .map(|&(p, i)| GeomWithData::new(p, i))
                .collect(),
        );
        for _ in 0..2000 {
            let q = [next() * 1000.0 - 100.0, next() * 600.0 - 100.0];
            let want: Vec<u32> = tree
                .nearest_neighbor_iter(&q)
                .take(6)
                .map(|r| r.data)
                .collect();
            let (got, n) = grid.k_nearest::<6>(q);
            let got: Vec<u32> = got[..n].iter().map(|g| g.1).collect();
            assert_eq!(got, want, "query {q:?}");
            assert_eq!(grid.nearest(q), tree.nearest_neighbor(&q).map(|r| r.data));
        }
    }
}
