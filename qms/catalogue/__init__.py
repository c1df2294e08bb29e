"""The catalogue browser: each enabled norm's requirement tree, per version, searchable and bilingual."""
