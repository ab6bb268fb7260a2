"""Scoring the units, ranking them within their block, proposing commendations.

- :mod:`~xlsync.core.scoring.model`: criteria and award rules (held by the plan), entries, scores, totals;
- :mod:`~xlsync.core.scoring.points`: exact points and the bilingual phrases that explain them;
- :mod:`~xlsync.core.scoring.quantitative`: ``Định lượng`` points from the units' attainment;
- :mod:`~xlsync.core.scoring.score`: every criterion × every unit of a block, entered scores checked;
- :mod:`~xlsync.core.scoring.rank`: totals and ranks within each block;
- :mod:`~xlsync.core.scoring.award`: commendation proposals under minimums, top k and quotas;
- :mod:`~xlsync.core.scoring.template`: a block's score workbook, as a layout;
- :mod:`~xlsync.core.scoring.read`: a filled score workbook read into entries;
- :mod:`~xlsync.core.scoring.run`: a scoring round, from score workbooks and attainment to proposals;
- :mod:`~xlsync.core.scoring.example`: plausible scores for ``xlsync demo``.

Nothing is imported here: :mod:`xlsync.core.plan` imports the model, which
must not pull in the engine (it imports the plan).
"""
