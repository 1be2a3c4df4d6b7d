-- The campaign database: the live state of every campaign. Each campaign runs on one version of
-- one world (in the world database, which no foreign key can reach) and copies the blueprints it
-- uses into its own state rows. A state row names its blueprint by id, mirrors some of its fields,
-- and lists in `overrides` (a JSON array of field names) the mirrored fields it changed on purpose.
-- State is partitioned by campaign, the key a sharded deployment splits on.

CREATE TABLE campaigns (
    id            bigint PRIMARY KEY,
    world_id      bigint NOT NULL,
    world_version int NOT NULL,
    name          text NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'paused', 'ended')),
    started_at    timestamptz NOT NULL
);

CREATE TABLE players (
    id         bigint PRIMARY KEY,
    handle     text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE campaign_players (
    campaign_id  bigint NOT NULL REFERENCES campaigns,
    player_id    bigint NOT NULL REFERENCES players,
    character_id bigint NOT NULL,
    PRIMARY KEY (campaign_id, player_id)
);

-- Mirrored from characters: name, level, faction_id, home_location_id.
CREATE TABLE campaign_characters (
    campaign_id      bigint NOT NULL REFERENCES campaigns,
    character_id     bigint NOT NULL,
    name             text NOT NULL,
    level            int NOT NULL,
    faction_id       bigint,
    home_location_id bigint,
    hp               int NOT NULL,
    overrides        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(overrides) = 'array'),
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, character_id)
) PARTITION BY HASH (campaign_id);

-- Mirrored from items: name, rarity.
CREATE TABLE campaign_items (
    campaign_id        bigint NOT NULL REFERENCES campaigns,
    item_id            bigint NOT NULL,
    owner_character_id bigint,
    name               text NOT NULL,
    rarity             text NOT NULL,
    overrides          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(overrides) = 'array'),
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, item_id)
) PARTITION BY HASH (campaign_id);

-- Mirrored from locations: name.
CREATE TABLE campaign_locations (
    campaign_id            bigint NOT NULL REFERENCES campaigns,
    location_id            bigint NOT NULL,
    name                   text NOT NULL,
    controlling_faction_id bigint,
    overrides              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(overrides) = 'array'),
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, location_id)
) PARTITION BY HASH (campaign_id);

-- Mirrored from factions: name, alignment.
CREATE TABLE campaign_factions (
    campaign_id bigint NOT NULL REFERENCES campaigns,
    faction_id  bigint NOT NULL,
    name        text NOT NULL,
    alignment   text NOT NULL,
    reputation  int NOT NULL,
    overrides   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(overrides) = 'array'),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, faction_id)
) PARTITION BY HASH (campaign_id);

CREATE TABLE campaign_characters_p0 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE campaign_characters_p1 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE campaign_characters_p2 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE campaign_characters_p3 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE campaign_characters_p4 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE campaign_characters_p5 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE campaign_characters_p6 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE campaign_characters_p7 PARTITION OF campaign_characters FOR VALUES WITH (MODULUS 8, REMAINDER 7);

CREATE TABLE campaign_items_p0 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE campaign_items_p1 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE campaign_items_p2 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE campaign_items_p3 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE campaign_items_p4 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE campaign_items_p5 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE campaign_items_p6 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE campaign_items_p7 PARTITION OF campaign_items FOR VALUES WITH (MODULUS 8, REMAINDER 7);

CREATE TABLE campaign_locations_p0 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE campaign_locations_p1 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE campaign_locations_p2 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE campaign_locations_p3 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE campaign_locations_p4 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE campaign_locations_p5 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE campaign_locations_p6 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE campaign_locations_p7 PARTITION OF campaign_locations FOR VALUES WITH (MODULUS 8, REMAINDER 7);

CREATE TABLE campaign_factions_p0 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE campaign_factions_p1 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE campaign_factions_p2 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE campaign_factions_p3 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE campaign_factions_p4 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE campaign_factions_p5 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE campaign_factions_p6 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE campaign_factions_p7 PARTITION OF campaign_factions FOR VALUES WITH (MODULUS 8, REMAINDER 7);

CREATE TABLE player_decisions (
    id           bigint NOT NULL,
    campaign_id  bigint NOT NULL REFERENCES campaigns,
    player_id    bigint NOT NULL,
    character_id bigint NOT NULL,
    decided_at   timestamptz NOT NULL,
    choice       text NOT NULL,
    payload      jsonb,
    PRIMARY KEY (campaign_id, id)
);

CREATE TABLE npc_actions (
    id           bigint NOT NULL,
    campaign_id  bigint NOT NULL REFERENCES campaigns,
    character_id bigint NOT NULL,
    acted_at     timestamptz NOT NULL,
    action       text NOT NULL,
    payload      jsonb,
    PRIMARY KEY (campaign_id, id)
);

-- The event log, partitioned by month. It has no foreign key: it is append-only and the largest
-- table, and a log must keep what happened even to a campaign that is later removed.
-- An event that changed a mirrored field of a state row names that field in `field`.
CREATE TABLE events (
    id          bigint NOT NULL,
    campaign_id bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    kind        text NOT NULL,
    entity_kind text NOT NULL,
    entity_id   bigint NOT NULL,
    field       text,
    payload     jsonb
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_entity_idx ON events (campaign_id, entity_kind, entity_id, occurred_at DESC);
