-- Browsing a world lists its blueprints, and following a character leads to its faction and
-- home: index the columns those lookups filter on. A separate migration, as it would be on a
-- live platform, where indexes come after the tables they serve.

CREATE INDEX factions_world_id_idx ON factions (world_id);
CREATE INDEX locations_world_id_idx ON locations (world_id);
CREATE INDEX locations_parent_id_idx ON locations (parent_id);
CREATE INDEX characters_world_id_idx ON characters (world_id);
CREATE INDEX characters_faction_id_idx ON characters (faction_id);
CREATE INDEX characters_home_location_id_idx ON characters (home_location_id);
CREATE INDEX items_world_id_idx ON items (world_id);
