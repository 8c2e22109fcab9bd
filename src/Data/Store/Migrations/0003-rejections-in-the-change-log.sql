-- A rejected contribution changes no row, but the public change log says it was turned down and why.
alter table cradle_register.history drop constraint history_entity_check;
alter table cradle_register.history add constraint history_entity_check check (entity in ('team', 'area_evidence', 'contribution'));
