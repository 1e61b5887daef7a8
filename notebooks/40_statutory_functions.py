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
# ## Statutory Functions

# %%
from swp_analysis import report

r = report.load(year, area, data_dir)
r.committed_to("statutory_functions")

# %%
r.objective("sf_engagement")

# %%
r.key_figures(["pact_meetings", "facebook_reach", "twitter_followers", "tweets"])

# %%
r.objective("sf_dhr")

# %%
r.key_figures(["dhrs_completed"])

# %%
r.objective("sf_prevent")

# %%
r.objective("sf_cohesion")
