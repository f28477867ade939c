-- The rode draden as reports show them. marts.rode_draden is already computed from published values only.
select * from marts.rode_draden;

comment on view pub.rode_draden is 'Per wijk: rode draden and signalen om te toetsen with evidence, questions, kansen and the last bespreking (see marts.rode_draden).';
