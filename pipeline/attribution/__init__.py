"""Attribution (speaker, cue, content) tagging: a statistical tagger trained on PolNeAR.

``polnear.py`` reads PolNeAR's BRAT standoff; ``train.py`` turns it into tagged
``DocBin`` files and trains the tagger with spaCy's own training
(``make train-attribution``); ``tagger.py`` applies the trained tagger to a
parsed ``Doc`` and decodes its tags into (source, cue, content) spans.
"""
