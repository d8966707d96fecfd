"""newsgraph's spaCy components, registered as factories on import.

``nlp.pipe_names`` after :func:`pipeline.nlp.build_nlp` tells the story:
the pretrained tagger, parser and NER, then
``newsgraph_states`` → ``newsgraph_orgs`` → ``newsgraph_offices`` →
``newsgraph_persons`` → ``newsgraph_entities`` (which merges them into
``doc.ents`` with the four labels of SCHEMA.md).
Each recogniser writes candidates to its own ``doc.spans`` key; each factory
declares what it assigns and requires.

Like spaCy's ``SpanRuler``, a recogniser gets its lexicon from
``initialize(get_examples=None, *, nlp=None, <lexicon>=None)`` (None: ``pipeline/data``,
through ``pipeline.core.lexicons``) and carries it in ``to_disk``/``to_bytes``
(``<component>/lexicon.json``): ``nlp.to_disk`` + ``spacy.load`` restore the pipeline
without ``pipeline/data`` (``lexicon_data.py``; ``pipeline.ner.nlp.save_pipeline``,
``load_pipeline``, ``pipeline_fingerprint``).
"""
from pipeline.ner.components import entities, extensions, offices, orgs, paragraphs, persons, states, tokenizer  # noqa: F401  (registers the factories and extensions)
