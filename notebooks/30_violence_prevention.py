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

# %%
from swp_analysis import report

r = report.load(year, area, data_dir)
r.priority_chapter(3)  # the third priority in report.yaml, with its objectives

# %% [markdown]
# ### Violence, weapons and robbery

# %%
r.violence_summary()

# %%
r.chart_violence()

# %% [markdown] tags=["annex"]
# ## Violence, weapons and robbery in more detail

# %% tags=["annex"]
r.violence_table()
