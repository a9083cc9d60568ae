"""The private core: closed vocabularies, exact numbers, text folding, tables.

Everything here is re-exported by a public module; nothing outside the library
should import ``ntm_core._core`` directly.
"""
