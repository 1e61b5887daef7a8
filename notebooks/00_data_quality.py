# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
year = None  # financial year, e.g. "2019-20"; None: the latest year with report content
area = None  # local authority; None: the area that year's report.yaml names
data_dir = None  # None: the repository's data/ folder

# %% [markdown]
# ## Data Quality and Methods
#
# Every figure in this report is computed from the files listed below. Police recorded crime
# comes from data.police.uk street-level files; partners' figures come from the local
# indicator register, where each figure names its source.

# %%
from swp_analysis import report

r = report.load(year, area, data_dir)
r.quality_summary()

# %% [markdown]
# ### Sources

# %%
r.sources_table()

# %% [markdown]
# ### Police records: every row read is kept or counted under a reason

# %%
r.reconciliation_table()

# %% [markdown]
# ### Figures not supplied

# %%
r.not_supplied()

# %% [markdown]
# ### Warnings and caveats

# %%
r.caveats()

# %% [markdown]
# ### Methods

# %%
r.methods()
