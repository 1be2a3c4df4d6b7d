-- Starlanes: a second, differently-named platform, to prove Scry follows its atlas and not
-- the reference schema. The catalog holds the blueprints (text keys, other column names).
CREATE TABLE IF NOT EXISTS galaxies (
    galaxy_id integer PRIMARY KEY,
    title text NOT NULL,
    rev integer NOT NULL
);
CREATE TABLE IF NOT EXISTS hull_designs (
    code text PRIMARY KEY,
    galaxy_id integer NOT NULL REFERENCES galaxies,
    display_name text NOT NULL,
    tier smallint NOT NULL,
    rev integer NOT NULL
);
INSERT INTO galaxies VALUES (1, 'Perseus Arm', 3) ON CONFLICT DO NOTHING;
INSERT INTO hull_designs VALUES
    ('FRG-1', 1, 'Frigate', 1, 1),
    ('CRV-2', 1, 'Corvette', 2, 2),
    ('DRD-9', 1, 'Dreadnought 🚀', 5, 1)
ON CONFLICT DO NOTHING;
