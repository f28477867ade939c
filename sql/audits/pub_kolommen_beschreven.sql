-- Every column a report or an analyst reads from pub says what it holds.
select schema_name || '.' || table_name as relatie, column_name
from duckdb_columns()
where schema_name = 'pub' and nullif(trim(comment), '') is null
