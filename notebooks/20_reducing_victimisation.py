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
# ## Strategic Priority: Reducing Victimisation

# %%
from swp_analysis import report

r = report.load(year, area, data_dir)
r.committed_to("reducing_victimisation")

# %%
r.objective("rv_cultural_acceptance")

# %%
r.key_figures(["community_champions", "dv_reports"])

# %%
r.chart_year_on_year("dv_reports", "Domestic abuse reports", "Reports")

# %%
r.objective("rv_domestic_abuse")

# %%
r.key_figures(["gp_staff_trained", "marac_cases"])

# %%
r.chart_year_on_year("marac_cases", "Cases discussed at MARAC", "Cases")

# %%
r.objective("rv_modern_slavery")

# %%
r.key_figures(["ms_trainers", "ms_trained"])

# %%
r.objective("rv_hate_crime")

# %%
r.key_figures(["third_party_reporting_centres", "hate_crimes"])

# %%
r.chart_year_on_year("hate_crimes", "Hate crimes recorded", "Crimes")

# %% [markdown]
# #### Year on year: is the change more than normal variation?

# %%
r.change_table(
    ["dv_reports", "marac_cases", "hate_crimes"],
    "Domestic abuse, MARAC and hate crime: change on the previous year",
)
