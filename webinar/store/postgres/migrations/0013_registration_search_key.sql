-- The registrants table's search ignores case and accents (issue 13): each registration
-- keeps its name, email and organization folded (webinar.store.text.search_key), written
-- by the store with those columns; the search folds its words the same way and matches
-- them with a plain LIKE on this one column. Folding is Unicode work done in Python, so
-- the rows already there get their key right after the migrations (webinar.store.backfill):
-- NULL means "not folded yet".
ALTER TABLE registrations ADD COLUMN search_key TEXT;
