"""Attribution (source, cue, content) tagging: a transformer tagger fine-tuned on PolNeAR.

``polnear.py`` reads PolNeAR's BRAT standoff; ``labels.py`` holds the BIO tag
set; ``wordpieces.py`` the word-piece windows, labels, alignment to spaCy
tokens and the Viterbi decoder; ``train_transformer.py`` fine-tunes
all-MiniLM-L6-v2 with torch and exports it to ONNX (``make train-attribution``);
``onnx_tagger.py`` runs the exported model with onnxruntime (also as the spaCy
component ``newsgraph_attribution_tagger``); ``tagger.py`` decodes the tags
into (source, cue, content) spans.
"""
