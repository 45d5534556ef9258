//! The highlight elements open inside one block, and how they change from one
//! run to the next.
//!
//! An element lists only the highlights it adds to the elements around it (the
//! markup rule in DESIGN.md). When highlights end, the elements from the
//! outermost one holding an ending highlight inwards are closed, and the
//! highlights they held that go on are opened again. Opened elements are put in
//! the order that makes later closings cheapest: the highlights that reach the
//! block's end share one outermost element (nothing inside the block ends them),
//! then one element per highlight, the one ending last outermost. Nested
//! highlights are then closed innermost first and never opened twice, so a chain
//! of k nested highlights costs O(k) elements per block, where listing every
//! covering id on every run cost O(k²).

use std::collections::{HashMap, HashSet};

/// What changes before a run: elements to close, then elements to open (each the highlights it lists).
#[derive(Debug, Default)]
pub(super) struct Step {
    pub close: usize,
    pub open: Vec<Vec<usize>>,
}

/// The open elements of one block, outermost first.
#[derive(Debug)]
pub(super) struct Nesting {
    block_end: usize,
    elements: Vec<Vec<usize>>,
    /// For each open highlight, the element that lists it.
    holder: HashMap<usize, usize>,
}

impl Nesting {
    pub(super) fn new(block_end: usize) -> Self {
        Self { block_end, elements: Vec::new(), holder: HashMap::new() }
    }

    /// How many elements are open.
    pub(super) fn depth(&self) -> usize {
        self.elements.len()
    }

    /// The highlight listed last by the innermost element.
    pub(super) fn innermost(&self) -> Option<usize> {
        self.elements.last().and_then(|element| element.last().copied())
    }

    /// Closes what `ended` requires and opens `started` (highlights given in the
    /// sweep's order, outermost first); `end_of` gives a highlight's end.
    pub(super) fn step(&mut self, ended: &[usize], started: &[usize], end_of: impl Fn(usize) -> usize) -> Step {
        let first_closed = ended.iter().filter_map(|id| self.holder.get(id)).copied().min();
        let mut reopened = Vec::new();
        let mut close = 0;
        if let Some(first) = first_closed {
            close = self.elements.len() - first;
            for element in self.elements.drain(first..) {
                for id in element {
                    self.holder.remove(&id);
                    reopened.push(id);
                }
            }
            let ended: HashSet<usize> = ended.iter().copied().collect();
            reopened.retain(|id| !ended.contains(id));
        }
        reopened.extend_from_slice(started);
        let open = self.arrange(reopened, &end_of);
        for element in &open {
            for &id in element {
                self.holder.insert(id, self.elements.len());
            }
            self.elements.push(element.clone());
        }
        Step { close, open }
    }

    /// The elements to open for `ids`: one for those that reach the block's end,
    /// then one each, latest end outermost (ties keep the sweep's order).
    fn arrange(&self, ids: Vec<usize>, end_of: &impl Fn(usize) -> usize) -> Vec<Vec<usize>> {
        let (through, mut ending): (Vec<usize>, Vec<usize>) =
            ids.into_iter().partition(|&id| end_of(id) >= self.block_end);
        ending.sort_by_key(|&id| std::cmp::Reverse(end_of(id)));
        let mut elements = Vec::with_capacity(ending.len() + 1);
        if !through.is_empty() {
            elements.push(through);
        }
        elements.extend(ending.into_iter().map(|id| vec![id]));
        elements
    }
}
