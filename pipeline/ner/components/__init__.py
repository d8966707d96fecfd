"""newsgraph's spaCy components, registered as factories on import.

``nlp.pipe_names`` after :func:`pipeline.nlp.build_nlp` tells the story:
the pretrained tagger, parser and NER, then
``newsgraph_states`` → ``newsgraph_orgs`` → ``newsgraph_offices`` →
``newsgraph_persons`` → ``newsgraph_entities`` (which merges them into
``doc.ents`` with the four labels of SCHEMA.md).
Each recogniser writes candidates to its own ``doc.spans`` key.
"""
from pipeline.ner.components import entities, extensions, offices, orgs, paragraphs, persons, states, tokenizer  # noqa: F401  (registers the factories and extensions)
