"""11번가 (11st) Open API: XML over HTTP, EUC-KR, a single ``openapikey`` header, state changes as GETs.

See shared/reference/channels.md §3 (facts, tagged [D]/[S]/[U]) and §9 (neutral model). Element
names the reference does not give are invented consistently between ``mapper.py`` and the simulator
(``integrations/sandbox/elevenst.py``) and marked ``[U]`` where they appear.
"""
