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
r.priority_chapter(1)  # the first priority in report.yaml, with its objectives

# %% [markdown]
# ## Recorded crime

# %%
r.crime_summary()

# %%
r.chart_type_trends()

# %%
r.trend_table()

# %% [markdown]
# ### What drove the change

# %%
r.drivers_summary()

# %%
r.chart_drivers()


# %% [markdown]
# ### Anti-social behaviour

# %%
r.asb_summary()

# %%
r.chart_asb()

# %% [markdown]
# ### Outcomes

# %%
r.outcomes_summary()


# %% [markdown] tags=["annex"]
# ## Recorded crime in more detail
#
# Tables behind the annual report's recorded-crime section: outcomes by crime type, and every ward.

# %% tags=["annex"]
r.drivers_table()

# %% tags=["annex"]
r.outcomes_table()

# %% tags=["annex"]
r.outcomes_by_type()

# %% [markdown]
# ### Where

# %%
r.wards_summary()

# %%
r.chart_wards()

# %%
r.top_wards_table()

# %% tags=["annex"]
r.ward_table()

# %%
r.peer_comparison()

# %% tags=["annex"]
r.peer_tables()
