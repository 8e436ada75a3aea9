//! A general minimum-cost transportation solver, exact on integer costs and amounts.

/// Minimum-cost transportation plan: `flow[i * m + j]` units from supply `i` to demand `j`,
/// with `m = supply.len() = demand.len()`, equal totals, `cost` row-major, non-negative, and
/// zero on the diagonal. Primal–dual successive shortest paths: the diagonal is filled first
/// (a flow on zero-cost arcs leaves no negative residual cycle), then each phase runs
/// Dijkstra on reduced costs from the supplies left, raises the potentials, and sends every
/// unit it can along zero-reduced-cost residual paths (Dinic's blocking flows). Exact; a
/// phase costs O(m²).
pub(super) fn transport(cost: &[i64], supply: &[i64], demand: &[i64]) -> Vec<i64> {
    let m = supply.len();
    debug_assert_eq!(demand.len(), m);
    debug_assert_eq!(supply.iter().sum::<i64>(), demand.iter().sum::<i64>());
    let mut t = Transport {
        m,
        cost,
        flow: vec![0; m * m],
        excess: supply.to_vec(),
        deficit: demand.to_vec(),
        potential: vec![0; 2 * m],
        level: vec![0; 2 * m],
        next_arc: vec![0; 2 * m],
    };
    for i in 0..m {
        let f = t.excess[i].min(t.deficit[i]);
        t.flow[i * m + i] = f;
        t.excess[i] -= f;
        t.deficit[i] -= f;
    }
    while t.excess.iter().any(|&e| e > 0) {
        t.raise_potentials();
        while t.levels() {
            t.next_arc.iter_mut().for_each(|a| *a = 0);
            for i in 0..m {
                while t.excess[i] > 0 && t.level[i] == 0 {
                    let sent = t.push(i, t.excess[i]);
                    if sent == 0 {
                        break;
                    }
                    t.excess[i] -= sent;
                }
            }
        }
    }
    t.flow
}

/// State of [`transport`]: nodes `0..m` are supplies, `m..2m` demands.
struct Transport<'a> {
    m: usize,
    cost: &'a [i64],
    flow: Vec<i64>,
    excess: Vec<i64>,
    deficit: Vec<i64>,
    potential: Vec<i64>,
    level: Vec<usize>,
    next_arc: Vec<usize>,
}

impl Transport<'_> {
    /// Reduced cost of the residual arc `u → v`, when it exists.
    fn arc(&self, u: usize, v: usize) -> Option<i64> {
        let m = self.m;
        if u < m && v >= m {
            let c = self.cost[u * m + v - m];
            Some(c + self.potential[u] - self.potential[v])
        } else if u >= m && v < m && self.flow[v * m + u - m] > 0 {
            let c = self.cost[v * m + u - m];
            Some(-c + self.potential[u] - self.potential[v])
        } else {
            None
        }
    }

    fn neighbours(&self, u: usize) -> std::ops::Range<usize> {
        if u < self.m {
            self.m..2 * self.m
        } else {
            0..self.m
        }
    }

    /// Dijkstra on reduced costs from the supplies with excess, stopped at the first demand
    /// with a deficit (distance `d`); potentials rise by `min(distance, d)`, so that arcs on
    /// shortest paths get reduced cost 0 and none gets a negative one.
    fn raise_potentials(&mut self) {
        let nodes = 2 * self.m;
        let mut dist: Vec<i64> = (0..nodes)
            .map(|u| match self.excess.get(u) {
                Some(&e) if e > 0 => 0,
                _ => i64::MAX,
            })
            .collect();
        let mut done = vec![false; nodes];
        let mut reach = i64::MAX;
        while let Some(u) = (0..nodes)
            .filter(|&u| !done[u] && dist[u] < i64::MAX)
            .min_by_key(|&u| dist[u])
        {
            done[u] = true;
            if u >= self.m && self.deficit[u - self.m] > 0 {
                reach = dist[u];
                break;
            }
            for v in self.neighbours(u) {
                if let Some(r) = self.arc(u, v)
                    && !done[v]
                {
                    dist[v] = dist[v].min(dist[u] + r);
                }
            }
        }
        assert!(reach < i64::MAX, "transport: a demand cannot be reached");
        for (p, d) in self.potential.iter_mut().zip(dist) {
            *p += d.min(reach);
        }
    }

    /// Breadth-first levels over zero-reduced-cost residual arcs from the supplies with
    /// excess; whether a demand with a deficit is reached.
    fn levels(&mut self) -> bool {
        self.level.iter_mut().for_each(|l| *l = usize::MAX);
        let mut queue: std::collections::VecDeque<usize> =
            (0..self.m).filter(|&i| self.excess[i] > 0).collect();
        for &i in &queue {
            self.level[i] = 0;
        }
        let mut reached = false;
        while let Some(u) = queue.pop_front() {
            if u >= self.m && self.deficit[u - self.m] > 0 {
                reached = true;
                continue;
            }
            for v in self.neighbours(u) {
                if self.level[v] == usize::MAX && self.arc(u, v) == Some(0) {
                    self.level[v] = self.level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        reached
    }

    /// Sends up to `amount` from `u` to a demand with a deficit along the level graph.
    fn push(&mut self, u: usize, amount: i64) -> i64 {
        let m = self.m;
        if u >= m && self.deficit[u - m] > 0 {
            let sent = amount.min(self.deficit[u - m]);
            self.deficit[u - m] -= sent;
            return sent;
        }
        let range = self.neighbours(u);
        while range.start + self.next_arc[u] < range.end {
            let v = range.start + self.next_arc[u];
            if self.level[v] == self.level[u] + 1 && self.arc(u, v) == Some(0) {
                let (i, j) = if u < m { (u, v - m) } else { (v, u - m) };
                let room = if u < m {
                    amount
                } else {
                    amount.min(self.flow[i * m + j])
                };
                let sent = self.push(v, room);
                if sent > 0 {
                    self.flow[i * m + j] += if u < m { sent } else { -sent };
                    return sent;
                }
            }
            self.next_arc[u] += 1;
        }
        0
    }
}
