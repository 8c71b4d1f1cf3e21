"""The data layer: all SQL, one module per area, plain parameterised statements."""
