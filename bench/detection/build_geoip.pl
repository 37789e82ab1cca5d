#!/usr/bin/perl
# Build the GeoIP databases (MaxMind DB format) of the sessionguard detection corpus.
#
#   perl bench/detection/build_geoip.pl OUT_DIR [NETWORKS_JSON]
#
# Reads the network table that generate.py writes (NETWORKS_JSON, default OUT_DIR/../networks.json,
# then OUT_DIR/networks.json) and writes into OUT_DIR:
#   GeoLite2-City-Detection.mmdb   database_type GeoLite2-City, records shaped like MaxMind's City DB
#   GeoLite2-ASN-Detection.mmdb    database_type GeoLite2-ASN
#
# Record layout as Samples/geoip/build_geoip.pl: city { names { en } }, continent { code,
# geoname_id, names { en } }, country / registered_country { iso_code, geoname_id, names { en },
# is_in_european_union }, location { latitude, longitude, accuracy_radius, time_zone },
# subdivisions [ { iso_code, names { en } } ], postal { code } when known; ASN records
# { autonomous_system_number, autonomous_system_organization }. Cities carry real coordinates;
# the networks are made-up assignments of public-looking ranges: never use these files for real logs.
# The build epoch comes from the table, so the output is byte-identical for the same table.
# Needs Debian's libmaxmind-db-writer-perl (JSON::PP is core Perl). The writer settings, the record
# layout and the file writing are Samples/geoip/build_geoip.pl's (package SampleGeoIP), loaded
# from there.
use strict;
use warnings;
use utf8;
use File::Spec;
use FindBin qw($Bin);
use JSON::PP;

require "$Bin/../../Samples/geoip/build_geoip.pl";    # defines SampleGeoIP, writes nothing

my $out = shift @ARGV or die "usage: $0 OUT_DIR [NETWORKS_JSON]\n";
my $table = shift @ARGV;
-d $out or mkdir $out or die "cannot create $out: $!\n";
unless ( defined $table ) {
    for my $cand ( File::Spec->catfile( $out, File::Spec->updir, 'networks.json' ), File::Spec->catfile( $out, 'networks.json' ) ) {
        if ( -f $cand ) { $table = $cand; last }
    }
    die "no networks.json next to or in $out: run generate.py first, or name the table\n" unless defined $table;
}

open my $fh, '<:raw', $table or die "cannot read $table: $!\n";
my $doc = do { local $/; JSON::PP->new->utf8->decode(<$fh>) };
close $fh;
die "$table: not a sessionguard-detection-networks/1 table\n"
    unless ( $doc->{schema} // '' ) eq 'sessionguard-detection-networks/1';

my %continent;
for my $code ( keys %{ $doc->{continents} } ) {
    my $c = $doc->{continents}{$code};
    $continent{$code} = { code => $code, geoname_id => $c->{geoname_id} + 0, names => { en => $c->{name} } };
}
my %country;
for my $iso ( keys %{ $doc->{countries} } ) {
    my $c   = $doc->{countries}{$iso};
    my %rec = ( iso_code => $iso, geoname_id => $c->{geoname_id} + 0, names => { en => $c->{name} } );
    $rec{is_in_european_union} = 1 if $c->{eu};
    $country{$iso} = [ $c->{continent}, \%rec ];
}

sub place_record {
    my ( $place_key, $radius ) = @_;
    my $p = $doc->{places}{$place_key} // die "unknown place '$place_key'\n";
    my ( $cont, $cty ) = @{ $country{ $p->{country} } // die "unknown country '$p->{country}'\n" };
    return SampleGeoIP::city_record(
        { names => { en => $p->{city} } },
        $continent{$cont}, $cty,
        {   latitude        => $p->{latitude} + 0.0,
            longitude       => $p->{longitude} + 0.0,
            accuracy_radius => $radius + 0,
            time_zone       => $p->{time_zone},
        },
        [ map { +{ iso_code => $_->{iso_code}, names => { en => $_->{name} } } } @{ $p->{subdivisions} } ],
        $p->{postal} );
}

my $not_real = 'made-up networks, not real data';
my $epoch    = $doc->{build_epoch} + 0;
my $city     = SampleGeoIP::new_tree( 'GeoLite2-City', 28, "sessionguard detection corpus City database: $not_real", $epoch );
my $asn      = SampleGeoIP::new_tree( 'GeoLite2-ASN',  24, "sessionguard detection corpus ASN database: $not_real",  $epoch );
my $n        = 0;
for my $row ( sort { $a->{network} cmp $b->{network} } @{ $doc->{networks} } ) {
    $city->insert_network( $row->{network}, place_record( $row->{place}, $row->{accuracy_radius} ) );
    $asn->insert_network( $row->{network}, SampleGeoIP::asn_record( $row->{asn} + 0, $row->{organization} ) );
    $n++;
}

for ( [ $city, 'GeoLite2-City-Detection.mmdb' ], [ $asn, 'GeoLite2-ASN-Detection.mmdb' ] ) {
    my ( $tree, $file ) = @{$_};
    my $path = File::Spec->catfile( $out, $file );
    SampleGeoIP::write_database( $tree, $path );
    print "wrote $path ($n networks from $table)\n";
}
