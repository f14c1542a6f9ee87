"""Admin registration. List views never show decrypted personal data, and the forms leave
encrypted fields out: names, dates of birth and free text are read in the casework pages,
where every read is logged, not in the admin.

Persons, reports (with their parties) and addresses are read-only here, also for a superuser,
and every read is written to the access log (``PersonalDataAdmin``); an address is not
searchable by postcode (that would be a lookup of who lives where without a purpose).
"""

from django.contrib import admin

from zicht.access.adminsite import PersonalDataAdmin

from .models import Address, AddressRegisterEntry, ImportBatch, Organisation, Person, Report, ReportParty


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "naam", "type", "gemeente", "meldcode_stoplicht")
    list_filter = ("type", "meldcode_stoplicht")
    search_fields = ("code", "naam")


@admin.register(Address)
class AddressAdmin(PersonalDataAdmin):
    zicht_record_type = "address"
    list_display = ("id", "buurt")
    list_filter = (("buurt", admin.EmptyFieldListFilter),)
    raw_id_fields = ("buurt",)


@admin.register(AddressRegisterEntry)
class AddressRegisterEntryAdmin(admin.ModelAdmin):
    list_display = ("postcode", "huisnummer", "toevoeging", "straat", "woonplaats", "buurt", "jaar")
    search_fields = ("postcode",)
    raw_id_fields = ("buurt",)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "file_name", "profile", "source", "status", "rows_total", "rows_rejected", "started_at")
    list_filter = ("status", "source")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Person)
class PersonAdmin(PersonalDataAdmin):
    zicht_record_type = "person"
    list_display = ("id", "source", "source_key", "geslacht", "import_batch", "created_at")
    list_filter = ("source",)
    exclude = ("voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum")
    readonly_fields = ("bsn_hash", "import_batch", "source_row")
    raw_id_fields = ("address",)


class ReportPartyInline(admin.TabularInline):
    model = ReportParty
    raw_id_fields = ("person",)
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(PersonalDataAdmin):
    zicht_record_type = "report"
    list_display = ("source_record_id", "source", "soort", "datum", "aard", "buurt")
    list_filter = ("soort", "source", "aard")
    search_fields = ("source_record_id",)
    exclude = ("toelichting", "contact_medewerker", "contact_telefoon")
    readonly_fields = ("import_batch", "source_rows")
    raw_id_fields = ("address", "buurt")
    inlines = [ReportPartyInline]

    def shown_with(self, obj):
        return [("person", pk) for pk in obj.parties.values_list("person_id", flat=True)]
