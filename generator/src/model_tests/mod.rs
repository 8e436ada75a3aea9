//! Unit tests of the model that read scenarios or write tables: they sit above every layer, so
//! the model's own modules never import the scenario or the output tables.

mod colleagues;
mod mobility;
mod register;
mod visitors;
