"""How well coach understands what leaders write, measured over a labelled corpus.

`corpus` reads the corpus files, `metrics` computes precision, recall and Cohen's kappa,
`evaluate` runs the corpus through the real dialogues, word lists, rubrics and safety net,
and `gate` compares the figures with the thresholds committed in the repository.
"""
