"""Recognition policies and equivalence tables, as data (read by ``gateway.recognition``).

``policies/*.toml`` are the receiving regions' and buyers' policies, validated against
``policy.schema.json``; ``equivalences/*.toml`` are the tables the policies reference by id.
"""
