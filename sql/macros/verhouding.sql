-- The one formula of a rate or share from counts: factor × teller / noemer, rounded to one decimal (half away from
-- zero), NULL for a noemer of 0 or NULL. intermediate.verhoudingen computes the true rates with it, and disclosure
-- control (transform/disclosure.py) the published rates from the rounded counts.
create or replace macro wp_verhouding(teller, noemer, factor) as round(factor * teller / nullif(noemer, 0), 1);
