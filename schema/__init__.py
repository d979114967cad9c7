"""The shapes of the data, at the bottom of the house: a pricing table and its sourced numbers
(`tables`, `numbers`, `plans`, `meters`), the checklist's criteria (`criteria`), the workload profile and
what a person enters beside it (`profile`, `inputs`), and the words and text rules for them
(`names`, `text`). Plain types: no files, no YAML, no engine. The engine (`model/`) computes on
them; the readers of files (`pricing/`) build them.
"""
