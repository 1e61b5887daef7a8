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
year = "2018-19"  # financial year, April to March
area = "Wolverhampton"  # local authority (the partnership's area)
data_dir = None  # None: the repository's data/ folder

# %% [markdown]
# ## Data Quality and Methods
#
# Every figure in this report is computed from the files listed below. Police recorded crime
# comes from data.police.uk street-level files; partners' figures come from the local
# indicator register, where each figure names its source.

# %%
from swp_analysis import quality

q = quality.load(year, area, data_dir)
q.summary()

# %% [markdown]
# ### Sources

# %%
q.sources_table()

# %% [markdown]
# ### Police records: every row read is kept or counted under a reason

# %%
q.reconciliation_table()

# %% [markdown]
# ### Figures not supplied

# %%
q.not_supplied()

# %% [markdown]
# ### Warnings and caveats

# %%
q.caveats()

# %% [markdown]
# ### Methods

# %%
q.methods()
