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

# %% [markdown]
# ## Main points

# %%
r.main_points()

# %%
r.headline()

# %% [markdown]
# ## Key

# %%
r.rating_key()

# %% [markdown]
# ## Introduction by the Chair

# %%
r.narrative_section("introduction")

# %%
r.signatories()

# %% [markdown]
# ## The Partnership

# %%
r.narrative_section("partnership")

# %% [markdown]
# ### How we commission

# %%
r.narrative_section("commissioning")

# %%
r.strategy_heading()

# %%
r.strategy_overview()

# %% [markdown] tags=["annex"]
# ## Delivery ratings and the evidence beside them

# %% tags=["annex"]
r.objectives_table_html()

# %% [markdown] tags=["insert-priorities"]
# *In the built report, the priority chapters (notebooks 10 to 40) appear here.*

# %% [markdown]
# ## Moving Forward

# %%
r.narrative_section("moving_forward")

# %%
r.next_year_table()

# %% [markdown]
# ## Appendix A: Breakdown of Expenditure

# %%
r.chart_expenditure()

# %% [markdown] tags=["annex"]
# ## Expenditure by item

# %% tags=["annex"]
r.expenditure_table()

# %% [markdown]
# ## Appendix B: Board Membership

# %%
r.membership()

# %% [markdown]
# ## Appendix C: Glossary of Terms

# %%
r.glossary()

# %% [markdown]
# ## About the data

# %%
r.about_the_data()

# %% [markdown] tags=["annex"]
# ## Figures Checked

# %% tags=["annex"]
r.claims_summary()

# %% tags=["annex"]
r.claims_table_html()
