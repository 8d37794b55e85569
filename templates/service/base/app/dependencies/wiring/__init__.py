"""How each entity's service is built: one module per entity."""
