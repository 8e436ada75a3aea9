//! No import cycle between the top-level modules of this crate (see the support module for
//! what counts as a dependency).

#[path = "support/module_graph.rs"]
mod module_graph;

#[test]
fn top_level_modules_form_no_cycle() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph::graph(&src);
    let cycles = module_graph::cycles(&graph);
    assert!(
        cycles.is_empty(),
        "{}",
        module_graph::describe(&graph, &cycles)
    );
}
