"""Chinese text utilities, one of each: normalize (NFKC, labels, the cell grammar), numerals (Chinese numerals),
units (the unit table), paragraphs (hard-wrapped prose), columns (table header words), urls, agencies (names).

text/ may read the catalog (through its loader); readers may not, so what they need of it comes from here."""
