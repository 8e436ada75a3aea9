"""A telcosynth pipeline template: `contract` does the pipeline contract's plumbing,
`aggregates` and `microdata` are two example pipelines to start from."""
