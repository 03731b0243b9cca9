from erp.masterdata.forms.units import ParseOnlyModelForm
from erp.masterdata.models import MaterialCategory
from erp.masterdata.selectors import category_tree


class CategoryForm(ParseOnlyModelForm):
    class Meta:
        model = MaterialCategory
        fields = ["code", "name", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paths = {n.category.pk: n.path for n in category_tree()}
        field = self.fields["parent"]
        field.queryset = MaterialCategory.objects.filter(active=True).order_by("code")
        if self.instance.pk:
            field.queryset = field.queryset.exclude(pk=self.instance.pk)
        field.label_from_instance = lambda c: f"{c.code} {paths.get(c.pk, c.name)}"
